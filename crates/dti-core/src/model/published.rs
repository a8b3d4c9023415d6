//! The official DTI results as the ministry published them, embedded (data in
//! `data/published/`, with its README): DTI 2024 for the 34 provinces after the 2025 merger
//! (the eight main-indicator values, the DTI and the rank) and the DTI of the 63 provinces
//! for 2022, 2023 and 2024.
//!
//! Source: the ministry's ranking pages on dti.gov.vn (`/xep-hang-2022`, `/xep-hang-2023-all`,
//! `/xep-hang-2024-63-tinh`, `/xep-hang-2024`), as transcribed in the public repository
//! `Tuan04-D/opendx` (MIT licence, commit 97f3d09) and cross-checked against the official
//! pages and press releases. Official public statistics of the Government of Viet Nam.
//!
//! Provinces are resolved to the registry's ids (the 34 to [`Era::From2025`], the 63 to
//! [`Era::Pre2025`]); the names as published are kept as the records' names.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::model::input::UnitRecord;
use crate::model::registry::{province_named, Era};

/// The synthetic 63-province panel as CSV (wide: `unit, name, period` and the nine main
/// indicators of `vn-pdti-2022`, 2021–2023; generated, not measured: see
/// `fixtures/vn-provinces-synthetic/README.md`): the `dti` command's `synthetic` data,
/// Python's `bundled_panel()`, the benches' and tests' panel.
///
/// ```
/// # #[cfg(feature = "tables")] {
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let opts = dti_core::io::ReadOptions::default();
/// let read = dti_core::io::read_records("synthetic.csv", dti_core::model::SYNTHETIC_PANEL, &fw, &opts)
///     .expect("the bundled panel reads");
/// assert_eq!(read.units.len(), 63 * 3);
/// # }
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
pub const SYNTHETIC_PANEL: &str = include_str!("../../data/synthetic/vn-provinces-synthetic.csv");

/// Where the published numbers come from, as every surface prints it.
pub const PUBLISHED_SOURCE: &str = "Bộ Khoa học và Công nghệ, kết quả DTI cấp tỉnh (dti.gov.vn), \
    as transcribed in Tuan04-D/opendx (MIT licence); official public statistics";

/// The main-indicator codes of `vn-pdti-2024` (and `vn-pdti-2025`), in the published table's
/// column order.
const MAIN: [&str; 8] = ["AWR", "INST", "INFRA", "HR", "SEC", "GOV", "ECO", "SOC"];

/// The code under which the 63-province tables give each province's DTI (see
/// [`total_framework`]).
pub const TOTAL_CODE: &str = "DTI";

/// One published data set.
///
/// ```
/// let d = dti_core::model::published_data("dti-2024").unwrap();
/// assert_eq!((d.rows.len(), d.periods.as_slice()), (34, &[2024][..]));
/// let hn = &d.rows[0];
/// assert_eq!((hn.unit.as_str(), hn.name.as_str(), hn.rank, hn.dti), ("ha-noi", "Hà Nội", Some(1), 0.8241));
/// assert_eq!(hn.values[0], ("AWR".to_owned(), 1.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublishedData {
    /// `dti-2024` or `dti-63`.
    pub id: String,
    /// What it holds, in English.
    pub title: String,
    /// The map its provinces belong to.
    pub era: Era,
    /// The years it covers.
    pub periods: Vec<i32>,
    /// The framework its values score with: `vn-pdti-2024` for the main indicators, or
    /// `total` for DTI values alone ([`total_framework`]).
    pub framework: String,
    /// Decimals of the published values (4).
    pub decimals: u8,
    /// Where the numbers come from.
    pub source: String,
    /// One row per province and year, in published order.
    pub rows: Vec<PublishedRow>,
}

/// A province's published result for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublishedRow {
    /// The registry id (`ho-chi-minh`).
    pub unit: String,
    /// The name as published (`TP. Hồ Chí Minh`).
    pub name: String,
    /// The year.
    pub period: i32,
    /// The published rank (given in the 34-province table only).
    pub rank: Option<u32>,
    /// The published DTI value (0..1).
    pub dti: f64,
    /// The published main-indicator values (code, 0..1), where the table gives them.
    pub values: Vec<(String, f64)>,
}

impl PublishedData {
    /// The rows as unit records: the main-indicator values (or the DTI under
    /// [`TOTAL_CODE`]), the registry id as unit, the published name as name.
    ///
    /// ```
    /// let r = dti_core::model::published_data("dti-63").unwrap().records();
    /// assert_eq!(r.len(), 3 * 63);
    /// assert_eq!((r[1].unit.as_str(), r[1].name.as_deref()), ("ho-chi-minh", Some("TP. Hồ Chí Minh")));
    /// ```
    pub fn records(&self) -> Vec<UnitRecord> {
        self.rows
            .iter()
            .map(|r| {
                let mut rec = UnitRecord::new(&r.unit).period(r.period).name(&r.name);
                if r.values.is_empty() {
                    rec = rec.value(TOTAL_CODE, r.dti);
                }
                for (code, v) in &r.values {
                    rec = rec.value(code, *v);
                }
                rec
            })
            .collect()
    }

    /// The rows of one year.
    pub fn year(&self, period: i32) -> impl Iterator<Item = &PublishedRow> {
        self.rows.iter().filter(move |r| r.period == period)
    }
}

/// The ids of the published data sets: `dti-2024` (34 provinces, main indicators, DTI,
/// rank) and `dti-63` (the DTI of the 63 provinces, 2022–2024).
pub fn published_ids() -> [&'static str; 2] {
    ["dti-2024", "dti-63"]
}

/// A published data set's table as published, CSV text (the file in `data/published/`):
/// what a user's copy of the ministry's table would be, for readers that take files.
///
/// ```
/// let t = dti_core::model::published_text("dti-2024").unwrap();
/// assert!(t.starts_with("rank,province,year,Nhận thức số"));
/// ```
pub fn published_text(id: &str) -> Option<&'static str> {
    match id {
        "dti-2024" => Some(TABLE_34),
        "dti-63" => Some(TOTALS_63),
        _ => None,
    }
}

/// A published data set by id (see [`published_ids`]), or `None`.
pub fn published_data(id: &str) -> Option<&'static PublishedData> {
    static ALL: OnceLock<[PublishedData; 2]> = OnceLock::new();
    let all = ALL.get_or_init(|| [table_34(), totals_63()]);
    all.iter().find(|d| d.id == id)
}

/// A one-indicator framework for DTI values alone (the 63-province tables): node
/// [`TOTAL_CODE`], its value the index, ranked as published (4 decimals). What
/// `merge_cohort` needs to merge published totals onto the 2025 map.
///
/// ```
/// let fw = dti_core::model::total_framework();
/// assert_eq!(fw.def().nodes[0].code, "DTI");
/// ```
pub fn total_framework() -> crate::model::framework::Framework {
    static FW: OnceLock<crate::model::framework::Framework> = OnceLock::new();
    FW.get_or_init(|| {
        crate::model::framework::Framework::from_json(
            r#"{"schema_version": 1, "id": "total", "name_vi": "Chỉ số DTI",
                "name_en": "DTI value as published", "scale": 1, "missing": "zero",
                "ties": {"rounded": 4},
                "nodes": [{"code": "DTI", "name_vi": "Chỉ số DTI", "name_en": "DTI",
                           "max_points": 1}]}"#,
        )
        .expect("the total framework is valid")
    })
    .clone()
}

const TABLE_34: &str = include_str!("../../data/published/dti-2024-34-provinces.csv");
const TOTALS_63: &str = include_str!("../../data/published/dti-totals-63-provinces-2022-2024.csv");

/// The registry id of a published name (the files are checked by the tests: every name
/// resolves).
fn id_of(name: &str, era: Era) -> String {
    province_named(name, era).map_or_else(|| name.to_owned(), |p| p.code.clone())
}

fn number(s: &str) -> f64 {
    s.trim().parse().unwrap_or(f64::NAN)
}

/// The rows of a published CSV file (its header skipped), each made by `row` from its cells.
fn rows(text: &str, row: impl Fn(&[&str]) -> PublishedRow) -> Vec<PublishedRow> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| row(&l.split(',').collect::<Vec<_>>()))
        .collect()
}

fn table_34() -> PublishedData {
    let rows = rows(TABLE_34, |c| PublishedRow {
        unit: id_of(c[1], Era::From2025),
        name: c[1].to_owned(),
        period: c[2].trim().parse().unwrap_or(2024),
        rank: c[0].trim().parse().ok(),
        dti: number(c[11]),
        values: MAIN
            .iter()
            .zip(&c[3..11])
            .map(|(code, v)| ((*code).to_owned(), number(v)))
            .collect(),
    });
    PublishedData {
        id: "dti-2024".to_owned(),
        title: "DTI 2024, the 34 provinces after the 2025 merger: main indicators, DTI, rank"
            .to_owned(),
        era: Era::From2025,
        periods: vec![2024],
        framework: "vn-pdti-2024".to_owned(),
        decimals: 4,
        source: PUBLISHED_SOURCE.to_owned(),
        rows,
    }
}

fn totals_63() -> PublishedData {
    let rows = rows(TOTALS_63, |c| PublishedRow {
        unit: id_of(c[1], Era::Pre2025),
        name: c[1].to_owned(),
        period: c[0].trim().parse().unwrap_or(0),
        rank: None,
        dti: number(c[2]),
        values: Vec::new(),
    });
    PublishedData {
        id: "dti-63".to_owned(),
        title: "DTI 2022, 2023 and 2024, the 63 provinces before the 2025 merger: DTI values"
            .to_owned(),
        era: Era::Pre2025,
        periods: vec![2022, 2023, 2024],
        framework: "total".to_owned(),
        decimals: 4,
        source: PUBLISHED_SOURCE.to_owned(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::provinces;

    #[test]
    fn every_published_name_is_a_province_once_a_year() {
        for id in published_ids() {
            let d = published_data(id).unwrap();
            for &year in &d.periods {
                let mut units: Vec<&str> = d.year(year).map(|r| r.unit.as_str()).collect();
                assert_eq!(units.len(), provinces(d.era).len(), "{id} {year}");
                units.sort_unstable();
                units.dedup();
                assert_eq!(units.len(), provinces(d.era).len(), "{id} {year}");
                for r in d.year(year) {
                    assert!(province_named(&r.unit, d.era).is_some(), "{}", r.name);
                    assert!((0.0..=1.0).contains(&r.dti), "{} {}", r.name, r.dti);
                    assert!(r.values.iter().all(|(_, v)| (0.0..=1.0).contains(v)));
                }
            }
        }
        assert!(published_data("dti-1999").is_none());
    }
}
